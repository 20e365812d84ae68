CREATE TABLE "cover_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"schedule" text NOT NULL,
	"requester_email" text NOT NULL,
	"start_at" bigint NOT NULL,
	"end_at" bigint NOT NULL,
	"note" text,
	"state" text NOT NULL,
	"taken_by" text,
	"override_id" text,
	"channel" text,
	"slack_ts" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exported_shifts" (
	"schedule" text NOT NULL,
	"uid" text NOT NULL,
	"start_at" bigint NOT NULL,
	"end_at" bigint NOT NULL,
	"users" text NOT NULL,
	"cancelled" integer NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "exported_shifts_schedule_uid_pk" PRIMARY KEY("schedule","uid")
);
--> statement-breakpoint
CREATE TABLE "ladder_runs" (
	"group_id" text NOT NULL,
	"user_email" text NOT NULL,
	"important" integer NOT NULL,
	"state" text NOT NULL,
	"steps" text NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "ladder_runs_group_id_user_email_pk" PRIMARY KEY("group_id","user_email")
);
--> statement-breakpoint
CREATE TABLE "schedule_state" (
	"schedule" text PRIMARY KEY NOT NULL,
	"announced_users" text,
	"announced_at" bigint,
	"user_group_members" text,
	"shifts_snapshot" text,
	"feed_health" text,
	"last_report_at" bigint,
	"last_report_hash" text,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "slack_overrides" (
	"id" text PRIMARY KEY NOT NULL,
	"schedule" text NOT NULL,
	"user_email" text NOT NULL,
	"start_at" bigint NOT NULL,
	"end_at" bigint NOT NULL,
	"replacing" text,
	"source" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" bigint NOT NULL,
	"cancelled_at" bigint
);
--> statement-breakpoint
CREATE TABLE "sms_answers" (
	"id" text PRIMARY KEY NOT NULL,
	"phone" text NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_settings" (
	"email" text PRIMARY KEY NOT NULL,
	"phone" text,
	"phone_verified_at" bigint,
	"pending_phone" text,
	"code_hash" text,
	"code_expires_at" bigint,
	"code_attempts" integer NOT NULL,
	"rules" text,
	"sms_opt_out" integer NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "pages" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "pages" ADD COLUMN "sent_at" bigint;--> statement-breakpoint
ALTER TABLE "pages" ADD COLUMN "ladder_key" text;--> statement-breakpoint
CREATE INDEX "cover_requests_schedule" ON "cover_requests" USING btree ("schedule","state");--> statement-breakpoint
CREATE INDEX "slack_overrides_schedule" ON "slack_overrides" USING btree ("schedule","end_at");--> statement-breakpoint
CREATE INDEX "sms_answers_phone" ON "sms_answers" USING btree ("phone","at");--> statement-breakpoint
CREATE INDEX "pages_phone" ON "pages" USING btree ("phone","channel","sent_at");