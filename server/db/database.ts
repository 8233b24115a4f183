import type { AccountTable } from './tables/account.table.ts';
import type { CheckinTable } from './tables/checkin.table.ts';
import type { CollectorTable } from './tables/collector.table.ts';
import type { DeviationRulesTable, EventTable } from './tables/event.table.ts';
import type { DeviceTable, UnknownDeviceTable } from './tables/device.table.ts';
import type { PaymentTable, ReceiptCounterTable } from './tables/payment.table.ts';
import type { CollectorPlanSettingsTable, PlanRouteTable, PlanTable, TeamPlanSettingsTable, VisitPlanTable } from './tables/plan.table.ts';
import type { DeviceLastTable, PositionTable } from './tables/position.table.ts';
import type { PromiseTable } from './tables/promise.table.ts';
import type { RejectedRecordTable } from './tables/rejected-record.table.ts';
import type { TeamTable } from './tables/team.table.ts';
import type { SessionTable, UserTable } from './tables/user.table.ts';
import type { VisitTable } from './tables/visit.table.ts';

export interface Database {
  teams: TeamTable;
  users: UserTable;
  sessions: SessionTable;
  collectors: CollectorTable;
  devices: DeviceTable;
  unknown_devices: UnknownDeviceTable;
  positions: PositionTable;
  device_last: DeviceLastTable;
  accounts: AccountTable;
  visits: VisitTable;
  checkins: CheckinTable;
  payments: PaymentTable;
  receipt_counters: ReceiptCounterTable;
  promises: PromiseTable;
  rejected_records: RejectedRecordTable;
  team_plan_settings: TeamPlanSettingsTable;
  collector_plan_settings: CollectorPlanSettingsTable;
  plans: PlanTable;
  plan_routes: PlanRouteTable;
  visit_plan: VisitPlanTable;
  events: EventTable;
  deviation_rules: DeviationRulesTable;
}
