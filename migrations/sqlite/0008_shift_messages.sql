CREATE TABLE `shift_messages` (
	`schedule` text NOT NULL,
	`email` text NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`shift_start` integer NOT NULL,
	`shift_end` integer NOT NULL,
	`sent_at` integer NOT NULL,
	PRIMARY KEY(`schedule`, `email`, `kind`, `key`)
);
--> statement-breakpoint
CREATE INDEX `shift_messages_end` ON `shift_messages` (`shift_end`);--> statement-breakpoint
ALTER TABLE `schedule_state` ADD `people_snapshot` text;--> statement-breakpoint
ALTER TABLE `user_settings` ADD `reminders` text;