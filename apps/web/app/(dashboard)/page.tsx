import { HomeRedirect } from '@/features/shell/home-redirect'

export default function Page() {
  return <HomeRedirect />
}
