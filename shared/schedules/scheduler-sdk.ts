// What the platform uses of EventBridge Scheduler's SDK. Imported only by scheduler-port.ts's dynamic import: the
// deployed bundles split there, so listing and reading schedules never load the Scheduler client.
export {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
