// AWS list prices used by the cost model: us-east-1, on-demand, as published on the AWS pricing pages
// (aws.amazon.com/step-functions/pricing, /lambda/pricing, /dynamodb/pricing/on-demand, /s3/pricing,
// /api-gateway/pricing), read 2025-11. Change them here when they change.
export const prices = {
  stepFunctions: {
    standardPerTransition: 0.000025, // $0.025 per 1,000 state transitions
    expressPerRequest: 0.000001, // $1.00 per million requests
    expressPerGbSecond: 0.00001667, // duration, billed in 64 MB / 100 ms increments
  },
  lambda: {
    perRequest: 0.0000002, // $0.20 per million
    perGbSecondArm: 0.0000133334, // arm64
  },
  dynamodb: {
    perWriteRequestUnit: 0.000000625, // $0.625 per million WRU
    perReadRequestUnit: 0.000000125, // $0.125 per million RRU
  },
  s3: {
    perPut: 0.000005, // $0.005 per 1,000 PUT/COPY/POST/LIST
    perGet: 0.0000004, // $0.0004 per 1,000 GET
  },
  apiGateway: { perHttpApiRequest: 0.000001 }, // HTTP APIs, first 300 M requests
  // Lambda durable functions (the alternative a user weighs): about $8 per million durable operations (each
  // step's checkpoint, the start), plus the function's own requests and compute.
  durableFunctions: { perOperation: 0.000008 },
};
