import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  /** Total selected fields after expanding fragments: a cheap stand-in for query cost. */
  maxFields: number;
  /** Directives written in the document (each costs parsing and validation work). */
  maxDirectives: number;
  /** Lexical tokens in the document; enforced by the parser (`parseOptions.maxTokens`). */
  maxTokens: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxFields: 1500,
  maxDirectives: 50,
  // The standard introspection query GraphiQL sends is under 200 tokens; the UI's largest
  // document under 500.
  maxTokens: 3000,
};

/** What a selection set costs, relative to where it is spread. */
interface Tally {
  depth: number;
  aliases: number;
  fields: number;
}

const INTROSPECTION_ROOTS = new Set(['__schema', '__type', '__typename']);

/**
 * An operation that selects only introspection roots. In such an operation `ofType` does not
 * count towards depth: it is a single object (never a list) and its chain is as long as the
 * schema's type wrapping, so the standard introspection query (GraphiQL's, whose `TypeRef`
 * fragment nests `ofType` nine deep) passes while depth of lists stays limited as for everyone.
 */
function isIntrospectionShaped(op: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): boolean {
  const rootsOnly = (set: SelectionSetNode, seen: Set<string>): boolean =>
    set.selections.every((sel) => {
      if (sel.kind === Kind.FIELD) return INTROSPECTION_ROOTS.has(sel.name.value);
      if (sel.kind === Kind.INLINE_FRAGMENT) return rootsOnly(sel.selectionSet, seen);
      const fragment = fragments.get(sel.name.value);
      if (!fragment || seen.has(fragment.name.value)) return true;
      seen.add(fragment.name.value);
      return rootsOnly(fragment.selectionSet, seen);
    });
  return rootsOnly(op.selectionSet, new Set());
}

class LimitExceeded extends Error {}

/**
 * Tallies one operation in time linear in the document: each fragment is tallied once and its
 * result reused at every spread (a fragment spread twice per level would otherwise double the
 * work per level), and the walk throws as soon as any limit is passed.
 */
class OperationTally {
  private readonly memo = new Map<string, Tally>();
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly limits: QueryLimits,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly introspection: boolean,
  ) {}

  /** Tally of a selection set at `depth` (the operation's own set is depth 1); `depth` in the result counts levels within it. */
  tally(set: SelectionSetNode, depth: number): Tally {
    const total: Tally = { depth: 0, aliases: 0, fields: 0 };
    for (const sel of set.selections) {
      let part: Tally;
      if (sel.kind === Kind.FIELD) {
        const step = this.introspection && sel.name.value === 'ofType' ? 0 : 1;
        const below = sel.selectionSet ? this.tally(sel.selectionSet, depth + step) : { depth: 0, aliases: 0, fields: 0 };
        part = { depth: below.depth + step, aliases: below.aliases + (sel.alias ? 1 : 0), fields: below.fields + 1 };
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        part = this.tally(sel.selectionSet, depth);
      } else {
        part = this.fragment(sel.name.value, depth);
      }
      total.depth = Math.max(total.depth, part.depth);
      total.aliases += part.aliases;
      total.fields += part.fields;
      this.check(depth - 1 + total.depth, total);
    }
    return total;
  }

  private fragment(name: string, depth: number): Tally {
    const known = this.memo.get(name);
    if (known) return known;
    const fragment = this.fragments.get(name);
    // Unknown fragments and cycles are reported by graphql's own rules; they cost nothing here.
    if (!fragment || this.inProgress.has(name)) return { depth: 0, aliases: 0, fields: 0 };
    this.inProgress.add(name);
    const result = this.tally(fragment.selectionSet, depth);
    this.inProgress.delete(name);
    this.memo.set(name, result);
    return result;
  }

  private check(depth: number, t: Tally): void {
    const l = this.limits;
    if (depth > l.maxDepth) throw new LimitExceeded(`depth ${depth} exceeds ${l.maxDepth}`);
    if (t.aliases > l.maxAliases) throw new LimitExceeded(`${t.aliases} aliases exceed ${l.maxAliases}`);
    if (t.fields > l.maxFields) throw new LimitExceeded(`more than ${l.maxFields} fields`);
  }
}

function tooComplex(message: string, node: OperationDefinitionNode | undefined): GraphQLError {
  return new GraphQLError(`Query too complex: ${message}.`, {
    nodes: node ? [node] : undefined,
    extensions: { code: 'QUERY_TOO_COMPLEX' },
  });
}

/** One validation rule rejecting too deep, too aliased, too large or directive-heavy operations before execution. */
export function queryLimitsRule(limits: QueryLimits = DEFAULT_QUERY_LIMITS) {
  return (context: ValidationContext): ASTVisitor => {
    const document = context.getDocument();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of document.definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    let directives = 0;
    let reported = false;
    const report = (error: GraphQLError) => {
      if (reported) return;
      reported = true;
      context.reportError(error);
    };
    return {
      Directive() {
        directives++;
        if (directives > limits.maxDirectives) report(tooComplex(`more than ${limits.maxDirectives} directives`, undefined));
      },
      OperationDefinition(node: OperationDefinitionNode) {
        if (reported) return;
        const counter = new OperationTally(limits, fragments, isIntrospectionShaped(node, fragments));
        try {
          counter.tally(node.selectionSet, 1);
        } catch (err) {
          if (!(err instanceof LimitExceeded)) throw err;
          report(tooComplex(err.message, node));
        }
      },
    };
  };
}
