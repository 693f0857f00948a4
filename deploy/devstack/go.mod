module github.com/ccicma/platform/deploy/devstack

go 1.26.0

require (
	github.com/ccicma/platform/pkg v0.0.0
	github.com/ccicma/platform/services/advisor-desk v0.0.0
	github.com/ccicma/platform/services/creation-support v0.0.0
	github.com/ccicma/platform/services/difficulty-alert v0.0.0
	github.com/ccicma/platform/services/intake v0.0.0
	github.com/ccicma/platform/services/takeover-matching v0.0.0
)

replace (
	github.com/ccicma/platform/pkg => ../../pkg
	github.com/ccicma/platform/services/advisor-desk => ../../services/advisor-desk
	github.com/ccicma/platform/services/creation-support => ../../services/creation-support
	github.com/ccicma/platform/services/difficulty-alert => ../../services/difficulty-alert
	github.com/ccicma/platform/services/intake => ../../services/intake
	github.com/ccicma/platform/services/takeover-matching => ../../services/takeover-matching
)
