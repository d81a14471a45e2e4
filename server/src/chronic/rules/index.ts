/**
 * Chronic-disease and key-population rules (国家基本公共卫生服务规范 第三版). Pure, table-driven, no I/O.
 */
export * from '../thresholds.js';
export * from './errors.js';
export * from './age.js';
export * from './visit-common.js';
export * from './hypertension.js';
export * from './diabetes.js';
export * from './risk-colour.js';
export * from './elderly.js';
export * from './schedules.js';
