import type { StageConfig } from "../stage.js";

/**
 * VPC with a private subnet per AZ, NAT per the stage config, and a DynamoDB gateway endpoint
 * on the private route tables so table traffic never goes through (and never pays for) NAT.
 */
export function createNetwork(config: StageConfig) {
  const vpc = new sst.aws.Vpc("Vpc", {
    az: config.network.availabilityZones,
    nat: config.network.nat,
  });

  const region = aws.getRegionOutput().region;
  const dynamoEndpoint = new aws.ec2.VpcEndpoint("DynamoEndpoint", {
    vpcId: vpc.id,
    serviceName: $interpolate`com.amazonaws.${region}.dynamodb`,
    vpcEndpointType: "Gateway",
    routeTableIds: vpc.nodes.privateRouteTables.apply((tables) => tables.map((table) => table.id)),
  });

  return { vpc, dynamoEndpoint, region };
}

export type Network = ReturnType<typeof createNetwork>;
