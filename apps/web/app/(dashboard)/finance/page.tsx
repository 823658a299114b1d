import type { Metadata } from 'next'
import { FinanceView } from '@/features/finance/finance-view'

export const metadata: Metadata = { title: 'Finance' }

export default function Page() {
  return <FinanceView />
}
