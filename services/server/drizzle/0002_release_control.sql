CREATE TABLE "change_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"environment_key" text NOT NULL,
	"kind" text NOT NULL,
	"resource_key" text NOT NULL,
	"payload" jsonb NOT NULL,
	"base_version" integer,
	"state" text NOT NULL,
	"author" text NOT NULL,
	"reason" text,
	"apply_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"failure" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "freezes" (
	"environment_key" text NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"recurrence" jsonb,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "freezes_environment_key_key_pk" PRIMARY KEY("environment_key","key")
);
--> statement-breakpoint
CREATE TABLE "release_guard_counts" (
	"release_key" text NOT NULL,
	"exposed" boolean NOT NULL,
	"event" text NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "release_guard_counts_release_key_exposed_event_pk" PRIMARY KEY("release_key","exposed","event")
);
--> statement-breakpoint
CREATE TABLE "release_steps" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"release_key" text NOT NULL,
	"kind" text NOT NULL,
	"stage" integer NOT NULL,
	"planned_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"applied_at" timestamp with time zone,
	"approved_by" text,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "releases" (
	"key" text PRIMARY KEY NOT NULL,
	"environment_key" text NOT NULL,
	"name" text NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"definition" jsonb NOT NULL,
	"state" text NOT NULL,
	"state_reason" text,
	"stage" integer DEFAULT -1 NOT NULL,
	"baseline" jsonb,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "emergency" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_environment_key_environments_key_fk" FOREIGN KEY ("environment_key") REFERENCES "public"."environments"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "freezes" ADD CONSTRAINT "freezes_environment_key_environments_key_fk" FOREIGN KEY ("environment_key") REFERENCES "public"."environments"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_guard_counts" ADD CONSTRAINT "release_guard_counts_release_key_releases_key_fk" FOREIGN KEY ("release_key") REFERENCES "public"."releases"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_steps" ADD CONSTRAINT "release_steps_release_key_releases_key_fk" FOREIGN KEY ("release_key") REFERENCES "public"."releases"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "releases" ADD CONSTRAINT "releases_environment_key_environments_key_fk" FOREIGN KEY ("environment_key") REFERENCES "public"."environments"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "change_requests_state_idx" ON "change_requests" USING btree ("environment_key","state","id");--> statement-breakpoint
CREATE INDEX "release_steps_due_idx" ON "release_steps" USING btree ("state","due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "release_steps_once_idx" ON "release_steps" USING btree ("release_key","kind","stage");--> statement-breakpoint
CREATE INDEX "releases_environment_idx" ON "releases" USING btree ("environment_key","state");