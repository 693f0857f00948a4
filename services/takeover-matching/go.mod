module github.com/ccicma/platform/services/takeover-matching

go 1.26.0

require github.com/ccicma/platform/pkg v0.0.0

replace github.com/ccicma/platform/pkg => ../../pkg
