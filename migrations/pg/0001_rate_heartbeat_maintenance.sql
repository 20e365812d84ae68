CREATE TABLE "heartbeats" (
	"integration" text PRIMARY KEY NOT NULL,
	"last_seen_at" bigint,
	"started_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "maintenance" (
	"integration" text PRIMARY KEY NOT NULL,
	"until" bigint NOT NULL,
	"started_by" text NOT NULL,
	"started_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_slots" (
	"key" text PRIMARY KEY NOT NULL,
	"next_at" bigint NOT NULL
);
