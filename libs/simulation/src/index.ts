export * from './calibrate';
export * from './plan';
export * from './profile';
export * from './random';
export * from './simulate';
export * from './check';
