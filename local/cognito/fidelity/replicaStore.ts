import { existsSync, readFileSync, writeFileSync } from 'node:fs';
/** A stored JSON value (as fidelity/types.ts's Json, not imported: types.ts imports this module). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- stored JSON, read a field at a time
type Json = any;

export type ReplicaStatus = 'CREATING' | 'ACTIVE' | 'INACTIVE' | 'DELETING';
export const REPLICA_STATUSES: readonly ReplicaStatus[] = ['CREATING', 'ACTIVE', 'INACTIVE', 'DELETING'];

/**
 * The settings a replica keeps for itself ("Regional configuration can differ between replicas":
 * email, SMS, Lambda triggers, tags; developer guide, "Multi-Region replication for user pools").
 * Set by UpdateUserPool in the secondary Region; a new replica has none (see docs/replicas.md).
 */
export interface RegionalSettings {
  SmsConfiguration?: Json;
  EmailConfiguration?: Json;
  LambdaConfig?: Json;
  UserPoolTags?: Record<string, string>;
}

export interface Replica {
  region: string;
  status: ReplicaStatus;
  /** When the status was set (ms): CREATING and DELETING move on `transitionMs` later. */
  since: number;
  /** Set by the test hook: the status stays as set until changed again. */
  held?: boolean;
  regional: RegionalSettings;
}

/**
 * The secondary replicas of each pool (the primary is the pool itself, in the Region its id
 * names). Kept in the local cloud's data folder so a restarted cloud with a kept folder has them.
 */
export class ReplicaStore {
  private readonly pools = new Map<string, Map<string, Replica>>();

  constructor(
    private readonly file: string | undefined,
    /** How long CREATING lasts before INACTIVE, and DELETING before the replica is gone. */
    private readonly transitionMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (file && existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Replica[]>;
      for (const [poolId, replicas] of Object.entries(saved)) this.pools.set(poolId, new Map(replicas.map((r) => [r.region, r])));
    }
  }

  /** The pool's replica in that Region, its timed transitions applied; undefined if none. */
  get(poolId: string, region: string): Replica | undefined {
    const replicas = this.pools.get(poolId);
    const replica = replicas?.get(region);
    if (!replicas || !replica) return undefined;
    if (replica.held || this.now() - replica.since < this.transitionMs) return replica;
    if (replica.status === 'CREATING') this.update(replica, { status: 'INACTIVE' });
    if (replica.status === 'DELETING') {
      replicas.delete(region);
      this.save();
      return undefined;
    }
    return replica;
  }

  list(poolId: string): Replica[] {
    return [...(this.pools.get(poolId)?.keys() ?? [])].map((r) => this.get(poolId, r)).filter((r): r is Replica => Boolean(r));
  }

  /** Adds a replica, CREATING; the caller sees this copy (later reads may already see INACTIVE). */
  create(poolId: string, region: string, tags?: Record<string, string>): Replica {
    const replica: Replica = { region, status: 'CREATING', since: this.now(), regional: tags ? { UserPoolTags: tags } : {} };
    if (!this.pools.has(poolId)) this.pools.set(poolId, new Map());
    this.pools.get(poolId)!.set(region, replica);
    this.save();
    return { ...replica };
  }

  setStatus(replica: Replica, status: ReplicaStatus, held = false): Replica {
    return this.update(replica, { status, held });
  }

  setRegional(replica: Replica, regional: RegionalSettings): Replica {
    return this.update(replica, { regional });
  }

  private update(replica: Replica, change: Partial<Replica>): Replica {
    if (change.status && change.status !== replica.status) replica.since = this.now();
    Object.assign(replica, change);
    this.save();
    return { ...replica };
  }

  private save(): void {
    if (!this.file) return;
    const out = Object.fromEntries([...this.pools].map(([id, replicas]) => [id, [...replicas.values()]]));
    writeFileSync(this.file, JSON.stringify(out));
  }
}
