import type { Metadata } from 'next'
import type { ReactNode } from 'react'
import { SessionProvider } from '@/features/session/session-provider'
import './globals.css'

export const metadata: Metadata = {
  title: { default: 'Ops Hub', template: '%s · Ops Hub' },
  description: 'Operational intelligence for orders, stock, suppliers and shipments.',
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <SessionProvider>{children}</SessionProvider>
      </body>
    </html>
  )
}
