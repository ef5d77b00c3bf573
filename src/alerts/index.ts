export { AlertManager } from './AlertManager.ts';
export type { AlertManagerOptions, AlertStats, ChannelRoute, ChannelStats, DailySummaryOptions, RetryPolicy } from './AlertManager.ts';
export { ManualScheduler, RealScheduler } from './scheduler.ts';
export type { Scheduler, TimerHandle } from './scheduler.ts';
export { JsonLineLogger, LEVEL_RANK, formatText } from './types.ts';
export type { AlertChannel, AlertLevel, AlertLogger, DailySummary, OutgoingAlert } from './types.ts';
export { WebhookChannel } from './channels/WebhookChannel.ts';
export { SlackChannel } from './channels/SlackChannel.ts';
export { TelegramChannel } from './channels/TelegramChannel.ts';
