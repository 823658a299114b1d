import type { Role } from '../session/roles'

export const VIEWER_QUERY = /* GraphQL */ `
  query Viewer {
    viewer {
      id
      role
      channelCode
    }
  }
`

export interface ViewerResult {
  viewer: { id: string; role: Role; channelCode: string | null }
}
