CREATE TABLE "model_artwork" (
	"model_id" integer PRIMARY KEY NOT NULL,
	"source_hash" text NOT NULL,
	"renditions" jsonb NOT NULL,
	"rendered_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "model_images" ADD COLUMN "renditions" jsonb;--> statement-breakpoint
ALTER TABLE "model_artwork" ADD CONSTRAINT "model_artwork_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;