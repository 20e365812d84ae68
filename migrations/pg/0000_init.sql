CREATE TABLE "alert_groups" (
	"id" text PRIMARY KEY NOT NULL,
	"number" integer NOT NULL,
	"integration" text NOT NULL,
	"grouping_key" text NOT NULL,
	"state" text NOT NULL,
	"title" text NOT NULL,
	"message" text,
	"severity" text,
	"labels" text NOT NULL,
	"links" text NOT NULL,
	"silence_url" text,
	"chain" text,
	"chain_steps" text NOT NULL,
	"channel" text,
	"alert_count" integer NOT NULL,
	"first_alert_at" bigint NOT NULL,
	"last_alert_at" bigint NOT NULL,
	"acknowledged_by" text,
	"acknowledged_at" bigint,
	"resolved_by" text,
	"resolved_at" bigint,
	"silenced_by" text,
	"silenced_until" bigint,
	"slack_channel_id" text,
	"slack_ts" text,
	"escalation" text NOT NULL,
	"escalation_due_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"group_id" text NOT NULL,
	"status" text NOT NULL,
	"labels" text NOT NULL,
	"annotations" text NOT NULL,
	"starts_at" text,
	"ends_at" text,
	"generator_url" text,
	"fingerprint" text,
	"received_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "counters" (
	"name" text PRIMARY KEY NOT NULL,
	"value" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feeds" (
	"schedule" text NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"body" text,
	"etag" text,
	"last_modified" text,
	"fetched_at" bigint,
	"checked_at" bigint,
	"error" text,
	"error_since" bigint,
	CONSTRAINT "feeds_schedule_kind_pk" PRIMARY KEY("schedule","kind")
);
--> statement-breakpoint
CREATE TABLE "log_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"group_id" text NOT NULL,
	"at" bigint NOT NULL,
	"kind" text NOT NULL,
	"text" text NOT NULL,
	"slack_ts" text
);
--> statement-breakpoint
CREATE TABLE "pages" (
	"id" text PRIMARY KEY NOT NULL,
	"group_id" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"user_email" text NOT NULL,
	"channel" text NOT NULL,
	"important" integer NOT NULL,
	"state" text NOT NULL,
	"attempts" integer NOT NULL,
	"error" text,
	"external_ref" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "worker_heartbeats" (
	"worker_id" text PRIMARY KEY NOT NULL,
	"process" text NOT NULL,
	"heartbeat_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "alert_groups_number" ON "alert_groups" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "alert_groups_open_key" ON "alert_groups" USING btree ("integration","grouping_key") WHERE state <> 'resolved';--> statement-breakpoint
CREATE INDEX "alert_groups_state" ON "alert_groups" USING btree ("state");--> statement-breakpoint
CREATE INDEX "alert_groups_escalation_due" ON "alert_groups" USING btree ("escalation_due_at");--> statement-breakpoint
CREATE INDEX "alerts_group" ON "alerts" USING btree ("group_id","received_at");--> statement-breakpoint
CREATE INDEX "log_entries_group" ON "log_entries" USING btree ("group_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "pages_dedupe" ON "pages" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "pages_group" ON "pages" USING btree ("group_id");