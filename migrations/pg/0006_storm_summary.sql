CREATE TABLE "storm_summaries" (
	"id" text PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"started_at" bigint NOT NULL,
	"ended_at" bigint,
	"slack_channel_id" text,
	"slack_ts" text
);
--> statement-breakpoint
CREATE UNIQUE INDEX "storm_summaries_open" ON "storm_summaries" USING btree ("channel") WHERE ended_at is null;--> statement-breakpoint
CREATE INDEX "alert_groups_channel_created" ON "alert_groups" USING btree ("channel","created_at");