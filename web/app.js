// The single page's entry: six views (Enrol, Search, the People list, one person, Video, Faces to name) over the
// public GraphQL API, wired to the router, the API-key dialog and the status line.

import { refreshHealth } from './health.js';
import { setUpKeyDialog, showKeyStatus } from './key-dialog.js';
import { stopAllCameras } from './picker.js';
import { startRouter } from './router.js';
import './views/enrol.js'; // Enrol and Search wire their own forms; no route opens them
import './views/search.js';
import { openFaces } from './views/faces.js';
import { showPeopleList } from './views/people.js';
import { openPerson } from './views/person.js';
import { leaveVideo, openVideo } from './views/video.js';

setUpKeyDialog({ onForget: refreshHealth });
showKeyStatus();
refreshHealth();
startRouter({
  onShow(name) {
    stopAllCameras(); // a camera left running in a hidden view would stay lit
    if (name !== 'video') leaveVideo(); // the jobs go on on the server; coming back polls again
  },
  open: {
    people: (id) => (id ? openPerson(id) : showPeopleList()),
    video: openVideo,
    faces: openFaces,
  },
});
