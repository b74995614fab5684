export * from './profile';
export * from './random';
export * from './simulate';
