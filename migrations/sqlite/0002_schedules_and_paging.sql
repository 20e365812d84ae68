CREATE TABLE `cover_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`schedule` text NOT NULL,
	`requester_email` text NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`note` text,
	`state` text NOT NULL,
	`taken_by` text,
	`override_id` text,
	`channel` text,
	`slack_ts` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `cover_requests_schedule` ON `cover_requests` (`schedule`,`state`);--> statement-breakpoint
CREATE TABLE `exported_shifts` (
	`schedule` text NOT NULL,
	`uid` text NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`users` text NOT NULL,
	`cancelled` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`schedule`, `uid`)
);
--> statement-breakpoint
CREATE TABLE `ladder_runs` (
	`group_id` text NOT NULL,
	`user_email` text NOT NULL,
	`important` integer NOT NULL,
	`state` text NOT NULL,
	`steps` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`group_id`, `user_email`)
);
--> statement-breakpoint
CREATE TABLE `schedule_state` (
	`schedule` text PRIMARY KEY NOT NULL,
	`announced_users` text,
	`announced_at` integer,
	`user_group_members` text,
	`shifts_snapshot` text,
	`feed_health` text,
	`last_report_at` integer,
	`last_report_hash` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `slack_overrides` (
	`id` text PRIMARY KEY NOT NULL,
	`schedule` text NOT NULL,
	`user_email` text NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`replacing` text,
	`source` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`cancelled_at` integer
);
--> statement-breakpoint
CREATE INDEX `slack_overrides_schedule` ON `slack_overrides` (`schedule`,`end_at`);--> statement-breakpoint
CREATE TABLE `sms_answers` (
	`id` text PRIMARY KEY NOT NULL,
	`phone` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sms_answers_phone` ON `sms_answers` (`phone`,`at`);--> statement-breakpoint
CREATE TABLE `user_settings` (
	`email` text PRIMARY KEY NOT NULL,
	`phone` text,
	`phone_verified_at` integer,
	`pending_phone` text,
	`code_hash` text,
	`code_expires_at` integer,
	`code_attempts` integer NOT NULL,
	`rules` text,
	`sms_opt_out` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `pages` ADD `phone` text;--> statement-breakpoint
ALTER TABLE `pages` ADD `sent_at` integer;--> statement-breakpoint
ALTER TABLE `pages` ADD `ladder_key` text;--> statement-breakpoint
CREATE INDEX `pages_phone` ON `pages` (`phone`,`channel`,`sent_at`);