package service

import (
	"context"

	"github.com/ccicma/platform/pkg/platform"

	"github.com/ccicma/platform/services/takeover-matching/internal/adapters/postgres"
	"github.com/ccicma/platform/services/takeover-matching/internal/app"
	"github.com/ccicma/platform/services/takeover-matching/internal/config"
)

// everyLifecycle starts the periodic jobs of the listings' and searches'
// life: the review asked of a listing left unchanged, the expiry of a
// search not renewed.
func everyLifecycle(rt *platform.Runtime, cfg config.Config, store *postgres.Store, now app.Clock) {
	reviews := app.RemindListingReviews{Offers: store, Now: now}
	rt.Every("ask the review of listings left unchanged", cfg.LifecycleEvery, func(ctx context.Context) error {
		n, err := reviews.Run(ctx)
		if n > 0 {
			rt.Log.InfoContext(ctx, "listing reviews asked", "offers", n)
		}
		return err
	})
	expiry := app.ExpireSearches{Searches: store, TTL: cfg.SearchTTL, Now: now}
	rt.Every("expire searches not renewed", cfg.LifecycleEvery, func(ctx context.Context) error {
		n, err := expiry.Run(ctx)
		if n > 0 {
			rt.Log.InfoContext(ctx, "searches expired", "searches", n)
		}
		return err
	})
}
