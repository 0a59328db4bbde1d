import type { StageConfig } from "../stage.js";
import type { Network } from "./network.js";

/**
 * Valkey (ElastiCache) in the VPC's private subnets, TLS required, at-rest encryption on.
 *
 * Cluster mode stays off so the app's plain (non-cluster) client works; production adds a read
 * replica in another AZ with automatic failover. Under `sst dev` nothing is deployed and the
 * link points at the local Redis on 127.0.0.1:6379.
 */
export function createCache(config: StageConfig, network: Network) {
  const nodeCount = 1 + config.cache.replicas;
  const cache = new sst.aws.Redis("Cache", {
    engine: "valkey",
    version: "8.0",
    instance: config.cache.nodeType,
    cluster: false,
    vpc: network.vpc,
    dev: { host: "localhost", port: 6379 },
    transform: {
      cluster: (args) => {
        args.numCacheClusters = nodeCount;
        args.multiAzEnabled = config.cache.multiAz;
        args.automaticFailoverEnabled = config.cache.multiAz;
        args.transitEncryptionEnabled = true;
        args.atRestEncryptionEnabled = true;
        args.snapshotRetentionLimit = config.profile === "production" ? 1 : 0;
      },
    },
  });

  // Member cluster ids of a cluster-mode-disabled replication group are `<id>-001`, `<id>-002`, …
  const nodeIds = $dev
    ? []
    : Array.from(
        { length: nodeCount },
        (_, i) => $interpolate`${cache.nodes.cluster.id}-${String(i + 1).padStart(3, "0")}`,
      );

  return { cache, nodeIds };
}
