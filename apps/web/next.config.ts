import type { NextConfig } from 'next'

const config: NextConfig = {
  // `npm run typecheck` checks the dashboard; `npm start` should not spend its first-run build on it.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  reactStrictMode: true,
}

export default config
