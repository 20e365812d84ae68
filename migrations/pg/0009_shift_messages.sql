CREATE TABLE "shift_messages" (
	"schedule" text NOT NULL,
	"email" text NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"shift_start" bigint NOT NULL,
	"shift_end" bigint NOT NULL,
	"sent_at" bigint NOT NULL,
	CONSTRAINT "shift_messages_schedule_email_kind_key_pk" PRIMARY KEY("schedule","email","kind","key")
);
--> statement-breakpoint
ALTER TABLE "schedule_state" ADD COLUMN "people_snapshot" text;--> statement-breakpoint
ALTER TABLE "user_settings" ADD COLUMN "reminders" text;--> statement-breakpoint
CREATE INDEX "shift_messages_end" ON "shift_messages" USING btree ("shift_end");