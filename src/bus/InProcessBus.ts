import type { Handler, MessageBus } from './MessageBus.ts';

/**
 * Synchronous in-process bus (the default): publish calls every subscriber in subscription
 * order before returning, passes the message by reference (zero copy) and allocates nothing.
 * A throwing subscriber propagates to the publisher: in a trading kernel a failed handler is a
 * fault to stop on, not to swallow.
 */
export class InProcessBus<Topics extends object> implements MessageBus<Topics> {
  private readonly handlers = new Map<keyof Topics, Handler<never>[]>();

  subscribe<K extends keyof Topics>(topic: K, handler: Handler<Topics[K]>): () => void {
    let list = this.handlers.get(topic);
    if (!list) {
      list = [];
      this.handlers.set(topic, list);
    }
    list.push(handler as Handler<never>);
    return () => {
      const current = this.handlers.get(topic);
      if (!current) return;
      // copy-on-unsubscribe so a publish in progress keeps its snapshot
      this.handlers.set(topic, current.filter((h) => h !== handler));
    };
  }

  publish<K extends keyof Topics>(topic: K, message: Topics[K]): void {
    const list = this.handlers.get(topic) as Handler<Topics[K]>[] | undefined;
    if (!list) return;
    for (let i = 0; i < list.length; i++) list[i](message);
  }

  subscriberCount<K extends keyof Topics>(topic: K): number {
    return this.handlers.get(topic)?.length ?? 0;
  }
}
