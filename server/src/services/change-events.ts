/**
 * Admin changes that cached /v1 state must see. Published after the change is committed;
 * every instance (this one directly, others via PostgreSQL NOTIFY) drops what it cached.
 */
export type ChangeEvent =
  | { kind: 'account'; accountId: string }
  | { kind: 'accessKey'; accountId: string; tokenHash?: string; accessKeyId?: string }
  | { kind: 'configuration'; accountId: string }
  | { kind: 'providerKey'; accountId: string }
  | { kind: 'customProvider'; accountId: string }
  | { kind: 'virtualModel'; accountId: string }
  | { kind: 'credits'; accountId: string };

export type ChangeListener = (event: ChangeEvent) => void;

export interface ChangeEvents {
  publish(event: ChangeEvent): void;
  subscribe(listener: ChangeListener): () => void;
}

export class LocalChangeEvents implements ChangeEvents {
  private listeners = new Set<ChangeListener>();
  /** Set by the cross-instance transport to forward local events. */
  onPublish: ((event: ChangeEvent) => void) | undefined;

  publish(event: ChangeEvent): void {
    this.deliver(event);
    this.onPublish?.(event);
  }

  /** Delivers an event that came from another instance (not forwarded again). */
  deliver(event: ChangeEvent): void {
    for (const l of this.listeners) l(event);
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
