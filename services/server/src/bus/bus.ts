/**
 * How server instances tell each other that an environment changed. Only the new version travels: each
 * instance reloads what changed from the database, so a lost or reordered message can delay an update
 * but never corrupt one.
 */
export interface EnvironmentChanged {
  environment: string;
  version: number;
}

export type ChangeListener = (change: EnvironmentChanged) => void;

export interface Bus {
  /** Announces a committed change to every instance, this one included. */
  publish(change: EnvironmentChanged): Promise<void>;
  subscribe(listener: ChangeListener): () => void;
  /**
   * Called when messages may have been missed (a reconnect, a lost subscription): listeners must reload
   * every environment they serve from the database.
   */
  onResync(listener: () => void): () => void;
  close(): Promise<void>;
}
