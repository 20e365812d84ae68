CREATE TABLE `schedule_tables` (
	`schedule` text PRIMARY KEY NOT NULL,
	`inputs_key` text NOT NULL,
	`window_from` integer NOT NULL,
	`window_to` integer NOT NULL,
	`computed_at` integer NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `feeds` ADD `body_sha256` text;