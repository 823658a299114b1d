import type { PickTaskStatus, PickWaveStatus } from '@ops-hub/db'
import { defineStateMachine } from '../shared/state-machine.ts'

/** A pick task is confirmed once: fully picked, short (fewer units found than asked), or cancelled with its order. */
export const pickTaskMachine = defineStateMachine<PickTaskStatus>('PickTask', 'OPEN', {
  OPEN: ['PICKED', 'SHORT', 'CANCELLED'],
  PICKED: [],
  SHORT: [],
  CANCELLED: [],
})

/** A wave starts with its first confirmed pick and completes when no task is left open. */
export const pickWaveMachine = defineStateMachine<PickWaveStatus>('PickWave', 'OPEN', {
  OPEN: ['IN_PROGRESS', 'COMPLETED', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
})
