export { DeviationEngine, defaultRules, type EngineStats } from './engine.ts';
export type { ActivePlan, DeviationRules, EngineCheckin, EngineEvent, EnginePosition, LonLat, PlanVisit, StoredFix, Transition } from './types.ts';
