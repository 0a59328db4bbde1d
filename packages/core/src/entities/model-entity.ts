import { Entity, type EntityConfiguration, type Schema } from "electrodb";

/** Skips the model check electrodb's constructor calls (see `modelEntity`). */
class UncheckedEntity<
  A extends string,
  F extends string,
  C extends string,
  S extends Schema<A, F, C, P>,
  P extends string = string,
> extends Entity<A, F, C, S, P> {
  _validateModel(): void {}
}

/**
 * `new Entity(schema, config)` without the JSON-schema check of the model that electrodb runs
 * in every constructor. The models are constants of this package, and `model-entity.test.ts`
 * checks each one with electrodb's own `Entity`, so a bad model still fails a test; what this
 * saves is validating fifteen models on every Lambda cold start (BENCHMARKS.md, the Lambda bench).
 *
 * @example
 * return modelEntity({ model, attributes, indexes }, { client, table });
 */
export function modelEntity<
  A extends string,
  F extends string,
  C extends string,
  S extends Schema<A, F, C, P>,
  P extends string = string,
>(schema: S, config?: EntityConfiguration): Entity<A, F, C, S, P> {
  return new UncheckedEntity<A, F, C, S, P>(schema, config);
}
