import type { Metadata } from 'next'
import { ScenarioLabView } from '@/features/scenario-lab/scenario-lab-view'

export const metadata: Metadata = { title: 'Scenario lab' }

export default function Page() {
  return <ScenarioLabView />
}
