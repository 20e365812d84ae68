ALTER TABLE "user_settings" ADD COLUMN "quiet_from" text;--> statement-breakpoint
ALTER TABLE "user_settings" ADD COLUMN "quiet_to" text;