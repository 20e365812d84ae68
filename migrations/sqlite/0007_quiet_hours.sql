ALTER TABLE `user_settings` ADD `quiet_from` text;--> statement-breakpoint
ALTER TABLE `user_settings` ADD `quiet_to` text;