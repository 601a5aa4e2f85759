import { useState } from 'react';
import { useMutation, type OperationContext, type OperationResult, type TypedDocumentNode } from 'urql';

/**
 * One "save" for forms that create or edit the same thing: `save(id, input)` runs the update mutation when
 * there is an id and the create mutation otherwise, and `state` is the state of whichever ran last. It
 * replaces a create/update pair picked by hand in every form.
 */
export function useSaveMutation<CreateData, UpdateData, CreateVars extends { input: unknown }, UpdateVars extends { id: string | number; input: CreateVars['input'] }>(
  create: TypedDocumentNode<CreateData, CreateVars>,
  update: TypedDocumentNode<UpdateData, UpdateVars>,
) {
  const [createState, runCreate] = useMutation(create);
  const [updateState, runUpdate] = useMutation(update);
  const [editing, setEditing] = useState(false);
  const save = (id: string | null | undefined, input: CreateVars['input'], context?: Partial<OperationContext>): Promise<OperationResult<CreateData | UpdateData>> => {
    setEditing(Boolean(id));
    return id ? runUpdate({ id, input } as UpdateVars, context) : runCreate({ input } as CreateVars, context);
  };
  return [save, editing ? updateState : createState] as const;
}
