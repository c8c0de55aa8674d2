package hall

import "context"

type actorKey struct{}

// WithActor returns a context that names who is acting, for the access
// records of commands that take no Actor argument (station enrolment and
// revocation, publishing, accounts). The console puts the signed-in
// account there; the CLI leaves it out and is recorded as "cli".
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// actorFrom returns the actor WithActor stored, or the CLI operator.
func actorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok && a.ID != "" {
		return a
	}
	return Actor{ID: "cli", Name: "cli"}
}
