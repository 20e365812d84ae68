CREATE TABLE `storm_summaries` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`slack_channel_id` text,
	`slack_ts` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `storm_summaries_open` ON `storm_summaries` (`channel`) WHERE ended_at is null;--> statement-breakpoint
CREATE INDEX `alert_groups_channel_created` ON `alert_groups` (`channel`,`created_at`);