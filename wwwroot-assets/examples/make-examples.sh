#!/usr/bin/env bash
# Makes the page's sample inputs from nothing but espeak-ng and ffmpeg, so every example is ours to ship.
#   ./make-examples.sh      (writes the files next to this script)
set -euo pipefail
cd "$(dirname "$0")"

speak() { # name voice speed text
  espeak-ng -v "$2" -s "$3" -w "$1.tmp.wav" "$4"
  ffmpeg -nostdin -v error -y -i "$1.tmp.wav" -ac 1 -ar 16000 -c:a pcm_s16le -fflags +bitexact -map_metadata -1 "$1.wav"
  rm -f "$1.tmp.wav"
}
speak speech-hello en-us 150 "Hello, and welcome to Live Avatar. This voice was made by a speech synthesizer for the demo."
speak speech-weather en-gb+f3 140 "Good evening. Tomorrow will be sunny in the morning, with light rain arriving after lunch."

# A flat-shaded head-and-shoulders figure: background, shoulders, neck, face, hair, eyes, mouth (geq masks).
portrait() { # name bg_rgb skin_rgb hair_rgb shirt_rgb
  local w=512 h=704
  IFS=, read -r br bg bb <<<"$2"; IFS=, read -r sr sg sb <<<"$3"; IFS=, read -r hr hg hb <<<"$4"; IFS=, read -r tr tg tb <<<"$5"
  local face="lte(pow((X-256)/120,2)+pow((Y-300)/155,2),1)"
  local hair="lte(pow((X-256)/135,2)+pow((Y-250)/150,2),1)*lt(Y,235)"
  local eyes="(lte(pow((X-210)/16,2)+pow((Y-290)/10,2),1)+lte(pow((X-302)/16,2)+pow((Y-290)/10,2),1))"
  local mouth="lte(pow((X-256)/42,2)+pow((Y-388)/11,2),1)"
  local neck="between(X,211,301)*between(Y,420,540)"
  local body="lte(pow((X-256)/250,2)+pow((Y-760)/230,2),1)"
  pick() { # bg skin hair shirt eye mouth
    echo "if(${eyes},$5,if(${mouth},$6,if(${hair},$3,if(${face}+${neck},$2,if(${body},$4,$1)))))"
  }
  ffmpeg -nostdin -v error -y -f lavfi -i "color=c=black:s=${w}x${h}:d=1,format=rgb24" -frames:v 1 \
    -vf "geq=r='$(pick "$br" "$sr" "$hr" "$tr" 40 150)':g='$(pick "$bg" "$sg" "$hg" "$tg" 30 60)':b='$(pick "$bb" "$sb" "$hb" "$tb" 30 70)'" \
    -fflags +bitexact "$1.png"
}
portrait portrait-anna 70,110,160 236,200,170 90,55,30 200,60,60
portrait portrait-ben 40,120,90 190,140,105 30,30,35 60,70,160

# Two speakers: a second voice, and both portraits side by side (faces at x = 256 and 768, y = 300 of 1024×704).
speak speech-reply en-gb+m3 150 "Thank you. It is good to be here, and the forecast looks bright for the whole week."
ffmpeg -nostdin -v error -y -i portrait-anna.png -i portrait-ben.png -filter_complex "hstack=inputs=2,format=rgb24" \
  -frames:v 1 -fflags +bitexact two-speakers.png

# A pose video in the DWPose style: coloured limbs on black, the arms waving, 4 s at 25 fps, 256×352 (the
# portraits' aspect). Each limb is a thick segment; geq tests every pixel's distance to it.
pose_video() {
  local lx="(82+16*sin(2*PI*T))" ly="(150-40*sin(2*PI*T))"    # left hand
  local rx="(174-16*sin(2*PI*T+1))" ry="(150-40*sin(2*PI*T+1))" # right hand
  seg() { # x1 y1 x2 y2 half-width: 1 within the segment's band
    local t="clip(((X-$1)*($3-$1)+(Y-$2)*($4-$2))/(pow($3-$1,2)+pow($4-$2,2)),0,1)"
    echo "lte(pow(X-($1+$t*($3-$1)),2)+pow(Y-($2+$t*($4-$2)),2),pow($5,2))"
  }
  local head="lte(pow(X-128,2)+pow(Y-70,2),pow(24,2))"
  local neck; neck=$(seg 128 94 128 120 5)
  local shoulders; shoulders=$(seg 88 122 168 122 5)
  local larm; larm=$(seg 88 122 70 190 5)
  local lfore; lfore=$(seg 70 190 "$lx" "$ly" 5)
  local rarm; rarm=$(seg 168 122 186 190 5)
  local rfore; rfore=$(seg 186 190 "$rx" "$ry" 5)
  local body; body=$(seg 128 120 128 250 6)
  local hips; hips=$(seg 100 250 156 250 5)
  local lleg; lleg=$(seg 100 250 96 345 5)
  local rleg; rleg=$(seg 156 250 160 345 5)
  local r="if($head,255,if($larm+$lfore,255,if($rarm+$rfore,0,if($neck+$shoulders,255,if($body+$hips,0,if($lleg,0,if($rleg,170,0)))))))"
  local g="if($head,255,if($larm+$lfore,170,if($rarm+$rfore,255,if($neck+$shoulders,0,if($body+$hips,85,if($lleg,170,if($rleg,0,0)))))))"
  local b="if($head,255,if($larm+$lfore,0,if($rarm+$rfore,0,if($neck+$shoulders,0,if($body+$hips,255,if($lleg,255,if($rleg,255,0)))))))"
  ffmpeg -nostdin -v error -y -f lavfi -i "color=c=black:s=256x352:r=25:d=4,format=rgb24" \
    -vf "geq=r='$r':g='$g':b='$b',format=yuv420p" -c:v libx264 -preset veryslow -crf 30 -an -fflags +bitexact \
    -map_metadata -1 "$1.mp4"
}
pose_video pose-wave
ls -l speech-*.wav portrait-*.png two-speakers.png pose-wave.mp4
