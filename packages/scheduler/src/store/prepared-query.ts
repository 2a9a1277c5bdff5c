// Kysely builds and compiles a query tree on every call, which costs several times what SQLite
// takes to run a hot statement. A prepared query is compiled once, with slots where the values
// go; each call only fills the slots. The SQL text stays the same object, so the SQLite
// statement cache and PostgreSQL see one statement per shape.
import type { Compilable, CompiledQuery } from 'kysely';

/** Stands in for a value while the query is compiled; it lands in the compiled parameters. */
class Slot<P> {
  constructor(readonly read: (params: P) => unknown) {}
}

/** Declares a slot: `slot((p) => p.id)` in place of the value `id`. */
export type SlotFor<P> = <T>(read: (params: P) => T) => T;

export class PreparedQuery<P, R> {
  private readonly compiled: CompiledQuery<R>;
  private readonly fill: Array<(params: P) => unknown>;

  constructor(build: (slot: SlotFor<P>) => Compilable<R>) {
    this.compiled = build(<T>(read: (params: P) => T) => new Slot(read) as unknown as T).compile();
    this.fill = this.compiled.parameters.map((parameter) => {
      if (parameter instanceof Slot) return (parameter as Slot<P>).read;
      return () => parameter;
    });
  }

  bind(params: P): Compilable<R> {
    const compiled: CompiledQuery<R> = { ...this.compiled, parameters: this.fill.map((read) => read(params)) };
    return { compile: () => compiled };
  }
}

/** Prepared queries made on first use, one per shape (a column set, a row count). */
export class PreparedShapes<P, R> {
  private readonly shapes = new Map<string, PreparedQuery<P, R>>();

  constructor(private readonly maxShapes: number) {}

  get(shape: string, build: (slot: SlotFor<P>) => Compilable<R>): PreparedQuery<P, R> {
    let prepared = this.shapes.get(shape);
    if (!prepared) {
      if (this.shapes.size >= this.maxShapes) this.shapes.clear();
      prepared = new PreparedQuery(build);
      this.shapes.set(shape, prepared);
    }
    return prepared;
  }
}
