CREATE TABLE `schedule_tables` (
	`schedule` text PRIMARY KEY NOT NULL,
	`inputs_key` text NOT NULL,
	`window_from` integer NOT NULL,
	`window_to` integer NOT NULL,
	`computed_at` integer NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
-- feeds is rebuilt rather than altered, to put `body` last: SQLite keeps a 20 MB body in a chain of
-- overflow pages, and reading any column stored after it walks the whole chain. With `body` last,
-- the metadata (validators, times, errors, body_sha256) reads without touching the body.
CREATE TABLE `__new_feeds` (
	`schedule` text NOT NULL,
	`kind` text NOT NULL,
	`source` text NOT NULL,
	`etag` text,
	`last_modified` text,
	`fetched_at` integer,
	`checked_at` integer,
	`error` text,
	`error_since` integer,
	`body_sha256` text,
	`body` text,
	PRIMARY KEY(`schedule`, `kind`)
);
--> statement-breakpoint
INSERT INTO `__new_feeds` (`schedule`, `kind`, `source`, `etag`, `last_modified`, `fetched_at`, `checked_at`, `error`, `error_since`, `body_sha256`, `body`)
	SELECT `schedule`, `kind`, `source`, `etag`, `last_modified`, `fetched_at`, `checked_at`, `error`, `error_since`, NULL, `body` FROM `feeds`;
--> statement-breakpoint
DROP TABLE `feeds`;
--> statement-breakpoint
ALTER TABLE `__new_feeds` RENAME TO `feeds`;
