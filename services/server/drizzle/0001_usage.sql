CREATE TABLE "flag_usage_hourly" (
	"environment_key" text NOT NULL,
	"flag_key" text NOT NULL,
	"variant" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "flag_usage_hourly_environment_key_flag_key_variant_hour_pk" PRIMARY KEY("environment_key","flag_key","variant","hour")
);
--> statement-breakpoint
CREATE TABLE "tracked_events_hourly" (
	"environment_key" text NOT NULL,
	"event" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"count" bigint NOT NULL,
	"value_count" bigint NOT NULL,
	"value_sum" double precision NOT NULL,
	CONSTRAINT "tracked_events_hourly_environment_key_event_hour_pk" PRIMARY KEY("environment_key","event","hour")
);
--> statement-breakpoint
ALTER TABLE "flag_usage_hourly" ADD CONSTRAINT "flag_usage_hourly_environment_key_environments_key_fk" FOREIGN KEY ("environment_key") REFERENCES "public"."environments"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracked_events_hourly" ADD CONSTRAINT "tracked_events_hourly_environment_key_environments_key_fk" FOREIGN KEY ("environment_key") REFERENCES "public"."environments"("key") ON DELETE no action ON UPDATE no action;