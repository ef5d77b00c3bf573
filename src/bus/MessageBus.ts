/**
 * The message bus: components publish and subscribe on typed topics instead of calling each
 * other's internals. `Topics` maps each topic name to its message type.
 */
export type Handler<T> = (message: T) => void;

export interface MessageBus<Topics extends object> {
  subscribe<K extends keyof Topics>(topic: K, handler: Handler<Topics[K]>): () => void;
  publish<K extends keyof Topics>(topic: K, message: Topics[K]): void;
}
