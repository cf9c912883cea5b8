import { createDefaultEsmPreset } from 'ts-jest'

/** @type {import('jest').Config} */
export default {
  ...createDefaultEsmPreset({ tsconfig: 'tsconfig.json' }),
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: {
    '^#shared/(.*)\\.js$': '<rootDir>/src/shared/$1',
    '^(\\.{1,2}/.*)\\.js$': '$1'
  },
  setupFiles: ['<rootDir>/__tests__/setup/no-network.ts', '<rootDir>/__tests__/setup/quiet-commands.ts'],
  testTimeout: 60000,
  verbose: false
}
