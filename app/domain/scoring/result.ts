import type { AnswerValue } from "./answers";
import type { Compiled } from "./compile";
import { materialize } from "./materialize";
import type { IndexResult, ItemScore, NodeScore, PredicateResult, ScoreResult, ScoreWarning, ScoringSettings, VerdictResult } from "./types";

/**
 * A ScoreResult whose `nodes` is built on first access and then kept. `nodes` is an own enumerable
 * accessor (JSON.stringify, spreading, structuredClone and deep equality see it like the plain
 * property it replaces); the stored values sit in private fields, which none of those see.
 * One shared getter/setter pair for every instance: accessors created per result (an object
 * literal's `get nodes()`) give every result its own hidden class, and those maps, allocated in old
 * space, made full garbage collections dominate bulk scoring.
 */
export class ScoredAssessment implements ScoreResult {
  declare engineVersion: string;
  declare instrument: string;
  declare version: string;
  declare settings: ScoringSettings;
  declare total: number;
  declare max: number;
  declare nodes: Record<string, NodeScore | ItemScore>;
  declare warnings: ScoreWarning[];
  declare predicate: PredicateResult | null;
  declare zi: Record<string, VerdictResult> | null;
  declare index?: IndexResult;
  readonly #compiled: Compiled;
  readonly #values: readonly number[];
  readonly #given: ReadonlyArray<AnswerValue | undefined>;
  readonly #counts: readonly number[];
  #nodes: Record<string, NodeScore | ItemScore> | null = null;

  static readonly #nodesProperty: PropertyDescriptor = {
    enumerable: true,
    configurable: true,
    get(this: ScoredAssessment) {
      return (this.#nodes ??= materialize(this.#compiled, this.#values, this.#given, this.#counts, this.index ?? null));
    },
    set(this: ScoredAssessment, nodes: Record<string, NodeScore | ItemScore>) {
      this.#nodes = nodes;
    },
  };

  constructor(
    engineVersion: string,
    instrument: string,
    version: string,
    settings: ScoringSettings,
    total: number,
    max: number,
    warnings: ScoreWarning[],
    predicate: PredicateResult | null,
    zi: Record<string, VerdictResult> | null,
    index: IndexResult | null,
    stored: { compiled: Compiled; values: readonly number[]; given: ReadonlyArray<AnswerValue | undefined>; counts: readonly number[] },
  ) {
    // Assigned in the order of the plain result object, which is the key order of its JSON.
    this.engineVersion = engineVersion;
    this.instrument = instrument;
    this.version = version;
    this.settings = settings;
    this.total = total;
    this.max = max;
    Object.defineProperty(this, "nodes", ScoredAssessment.#nodesProperty);
    this.warnings = warnings;
    this.predicate = predicate;
    this.zi = zi;
    // Only where the instrument defines an index: results of the other instruments keep their JSON.
    if (index) this.index = index;
    this.#compiled = stored.compiled;
    this.#values = stored.values;
    this.#given = stored.given;
    this.#counts = stored.counts;
  }
}
