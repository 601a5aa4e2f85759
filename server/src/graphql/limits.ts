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
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxAliases: 30, maxFields: 1500 };

interface Tally {
  depth: number;
  aliases: number;
  fields: number;
}

function walk(
  set: SelectionSetNode,
  depth: number,
  fragments: Record<string, FragmentDefinitionNode>,
  seen: Set<string>,
  tally: Tally,
): void {
  tally.depth = Math.max(tally.depth, depth);
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      tally.fields++;
      if (sel.alias) tally.aliases++;
      if (sel.selectionSet) walk(sel.selectionSet, depth + 1, fragments, seen, tally);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      walk(sel.selectionSet, depth, fragments, seen, tally);
    } else {
      const name = sel.name.value;
      const fragment = fragments[name];
      // Cycles are rejected by graphql's own NoFragmentCycles rule; this only avoids looping here.
      if (!fragment || seen.has(name)) continue;
      seen.add(name);
      walk(fragment.selectionSet, depth, fragments, seen, tally);
      seen.delete(name);
    }
  }
}

/** One validation rule rejecting too deep, too aliased or too large operations before execution. */
export function queryLimitsRule(limits: QueryLimits = DEFAULT_QUERY_LIMITS) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
    }
    return {
      OperationDefinition(node: OperationDefinitionNode) {
        const tally: Tally = { depth: 0, aliases: 0, fields: 0 };
        walk(node.selectionSet, 1, fragments, new Set(), tally);
        const problems: string[] = [];
        if (tally.depth > limits.maxDepth) problems.push(`depth ${tally.depth} exceeds ${limits.maxDepth}`);
        if (tally.aliases > limits.maxAliases) problems.push(`${tally.aliases} aliases exceed ${limits.maxAliases}`);
        if (tally.fields > limits.maxFields) problems.push(`${tally.fields} fields exceed ${limits.maxFields}`);
        if (problems.length > 0) {
          context.reportError(
            new GraphQLError(`Query too complex: ${problems.join(', ')}.`, {
              nodes: [node],
              extensions: { code: 'QUERY_TOO_COMPLEX' },
            }),
          );
        }
      },
    };
  };
}
