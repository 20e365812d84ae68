CREATE TABLE `alert_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`number` integer NOT NULL,
	`integration` text NOT NULL,
	`grouping_key` text NOT NULL,
	`state` text NOT NULL,
	`title` text NOT NULL,
	`message` text,
	`severity` text,
	`labels` text NOT NULL,
	`links` text NOT NULL,
	`silence_url` text,
	`chain` text,
	`chain_steps` text NOT NULL,
	`channel` text,
	`alert_count` integer NOT NULL,
	`first_alert_at` integer NOT NULL,
	`last_alert_at` integer NOT NULL,
	`acknowledged_by` text,
	`acknowledged_at` integer,
	`resolved_by` text,
	`resolved_at` integer,
	`silenced_by` text,
	`silenced_until` integer,
	`slack_channel_id` text,
	`slack_ts` text,
	`escalation` text NOT NULL,
	`escalation_due_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_groups_number` ON `alert_groups` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `alert_groups_open_key` ON `alert_groups` (`integration`,`grouping_key`) WHERE state <> 'resolved';--> statement-breakpoint
CREATE INDEX `alert_groups_state` ON `alert_groups` (`state`);--> statement-breakpoint
CREATE INDEX `alert_groups_escalation_due` ON `alert_groups` (`escalation_due_at`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`group_id` text NOT NULL,
	`status` text NOT NULL,
	`labels` text NOT NULL,
	`annotations` text NOT NULL,
	`starts_at` text,
	`ends_at` text,
	`generator_url` text,
	`fingerprint` text,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alerts_group` ON `alerts` (`group_id`,`received_at`);--> statement-breakpoint
CREATE TABLE `counters` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `feeds` (
	`schedule` text NOT NULL,
	`kind` text NOT NULL,
	`source` text NOT NULL,
	`body` text,
	`etag` text,
	`last_modified` text,
	`fetched_at` integer,
	`checked_at` integer,
	`error` text,
	`error_since` integer,
	PRIMARY KEY(`schedule`, `kind`)
);
--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task` text NOT NULL,
	`payload` text NOT NULL,
	`run_at` integer NOT NULL,
	`job_key` text,
	`queue` text,
	`attempts` integer NOT NULL,
	`max_attempts` integer NOT NULL,
	`locked_at` integer,
	`locked_by` text,
	`last_error` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_key` ON `jobs` (`job_key`);--> statement-breakpoint
CREATE INDEX `jobs_due` ON `jobs` (`run_at`);--> statement-breakpoint
CREATE TABLE `log_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`group_id` text NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`text` text NOT NULL,
	`slack_ts` text
);
--> statement-breakpoint
CREATE INDEX `log_entries_group` ON `log_entries` (`group_id`,`id`);--> statement-breakpoint
CREATE TABLE `pages` (
	`id` text PRIMARY KEY NOT NULL,
	`group_id` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`user_email` text NOT NULL,
	`channel` text NOT NULL,
	`important` integer NOT NULL,
	`state` text NOT NULL,
	`attempts` integer NOT NULL,
	`error` text,
	`external_ref` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pages_dedupe` ON `pages` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `pages_group` ON `pages` (`group_id`);