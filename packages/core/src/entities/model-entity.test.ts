import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Entity } from "electrodb";
import { describe, expect, it } from "vitest";
import { createTravelService } from "../service.js";
import { modelEntity } from "./model-entity.js";

const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" }));
const config = { client, table: "travel" };

// modelEntity skips electrodb's model check at construction: it runs here instead.
describe("the entities' models", () => {
  const { entities } = createTravelService(config);

  it.each(Object.entries(entities))("%s passes electrodb's own model check", (_name, entity) => {
    expect(() => new Entity(entity.schema, config)).not.toThrow();
  });

  it("would catch a bad model (the check above can fail)", () => {
    const bad = {
      model: { entity: "bad", version: "1", service: "travel" },
      attributes: { id: { type: "strnig" } },
      indexes: {
        primary: { pk: { field: "pk", composite: ["id"] }, sk: { field: "sk", composite: [] } },
      },
    };
    expect(() => new Entity(bad as never, config)).toThrow(/Invalid model.*strnig|type.*strnig/is);
    expect(() => modelEntity(bad as never, config)).not.toThrow(/Invalid model/i);
  });
});
