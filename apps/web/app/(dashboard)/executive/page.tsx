import type { Metadata } from 'next'
import { ExecutiveView } from '@/features/executive/executive-view'

export const metadata: Metadata = { title: 'Executive' }

export default function Page() {
  return <ExecutiveView />
}
