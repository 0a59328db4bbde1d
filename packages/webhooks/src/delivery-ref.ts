/** What identifies a delivery item (its table key): what the queue carries. */
export interface DeliveryRef {
  endpointId: string;
  orderKey: string;
  occurredAt: string;
  deliveryId: string;
}

export function deliveryRef(delivery: DeliveryRef): DeliveryRef {
  return {
    endpointId: delivery.endpointId,
    orderKey: delivery.orderKey,
    occurredAt: delivery.occurredAt,
    deliveryId: delivery.deliveryId,
  };
}
