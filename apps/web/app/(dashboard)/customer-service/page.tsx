import type { Metadata } from 'next'
import { CustomerServiceView } from '@/features/customer-service/customer-service-view'

export const metadata: Metadata = { title: 'Customer service' }

export default function Page() {
  return <CustomerServiceView />
}
