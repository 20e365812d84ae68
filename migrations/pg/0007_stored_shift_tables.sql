CREATE TABLE "schedule_tables" (
	"schedule" text PRIMARY KEY NOT NULL,
	"inputs_key" text NOT NULL,
	"window_from" bigint NOT NULL,
	"window_to" bigint NOT NULL,
	"computed_at" bigint NOT NULL,
	"data" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "feeds" ADD COLUMN "body_sha256" text;